"""Mail: the durable outbox of ticket copies (outbox), where each kind of mail goes
(routing), the SMTP sender that drains the outbox (sender) and replies by e-mail (mail_in)."""
