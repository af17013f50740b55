"""``veripost-cli``: the headless front, for scripting and batch migration."""
