"""A planned notice as an e-mail: templates rendered (`render`), MIME built (`mime`), bytes for SMTP (`wire`)."""
