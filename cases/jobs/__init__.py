"""Long work in the background: a Job row per piece of work (cases.models.jobs), `enqueue()` to
start it, the worker's `run_job` task (service.py), and the pages that show it (list, progress, result).

The work itself is a plain function registered with `@work`, called as `fn(ctx, **arguments)` in
the worker, inside the job's user's bureau (and unit), with `ctx` (a `JobContext`) to report
progress and to keep a result file or link. See cases/jobs/service.py."""
