title = "Lung health checks"
text = "Risk models (PLCOm2012: Tammemägi et al., NEJM 2013; LLPv2: Cassidy et al., British Journal of Cancer 2008; Brock: McWilliams et al., NEJM 2013), NHS England's Targeted Lung Health Check eligibility and rounds, BTS 2015 nodule management (Callister et al., Thorax 2015) and the programme's metrics."
