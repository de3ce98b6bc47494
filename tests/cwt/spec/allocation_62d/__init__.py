title = "Sharing a 62-day pathway between providers"
text = "Inter-provider transfers: solo, the six 38/24-day scenarios from April 2018 and the 50:50 fallback: breach allocation [S6, S40] [IMPL S40]."
