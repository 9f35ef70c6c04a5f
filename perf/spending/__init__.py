"""Payments and spending progress: the payment rules, entry and import, the planned-vs-actual
computation (``status.compute``) that alerts and the mid-year round read, and the lag rules."""
