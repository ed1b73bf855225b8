"""An e-mail backend that kills its process, as a power cut between claiming a message and sending it would."""

import os

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        os._exit(3)
