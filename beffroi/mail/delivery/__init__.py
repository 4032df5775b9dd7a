"""Mail leaving the organisation: routes (smarthost or MX, MTA-STS), the SMTP client, the
delivery status notifications, and the queue runner the task worker calls."""
