"""Training time: a clock that runs inside the training generator and stops while the consumer holds an event."""


class TrainingClock:
    """Seconds of training so far (`elapsed`): `pause` when an event goes out, `resume` when the
    consumer asks for the next one."""

    def __init__(self, now):
        self.now = now
        self.total = 0.0
        self.resumed = now()

    def pause(self):
        now = self.now()
        self.total += now - self.resumed
        self.resumed = now
        return self.total

    def resume(self):
        self.resumed = self.now()

    @property
    def elapsed(self):
        return self.total + self.now() - self.resumed
