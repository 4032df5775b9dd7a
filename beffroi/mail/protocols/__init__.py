"""Mail protocol adapters (SMTP now, IMAP next): they parse the wire, then call the mail app's
access, queries and actions; they never write a model themselves."""
