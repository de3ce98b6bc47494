title = "Timed diagnostic pathways"
text = "NHS England's best-practice timed diagnostic pathways for lung, prostate and colorectal cancer (April 2018)."
