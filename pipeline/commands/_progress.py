"""Upload progress bars for `pipeline publish`, on stderr and only on a terminal."""

from __future__ import annotations

from collections.abc import Callable


class ProgressBars:
    """One rich progress bar per uploaded file, on stderr (only used on a TTY)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.started = False

    def __call__(self, label: str, total: int) -> Callable[[int], None]:
        if not self.started:
            self.progress.start()
            self.started = True
        task = self.progress.add_task(f"Envoi de {label}", total=total)
        return lambda sent: self.progress.advance(task, sent)

    def stop(self) -> None:
        if self.started:
            self.progress.stop()
