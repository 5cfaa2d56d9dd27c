//! Work that must not hold up serving (a year's statistics): each job on a thread of its own
//! at a lower scheduling priority, so issuing, calling and status polls get the processor
//! first when both want it. Threads a job starts inherit the priority.

use thread_priority::{ThreadPriority, ThreadPriorityValue};
use tokio::sync::oneshot;

/// A background job that did not run to its end: its thread could not start, or it panicked.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Failed(pub String);

/// The priority of background jobs on the crate's 0 (lowest) to 99 scale: nice 9 on
/// Linux, so a report gets a fraction of a busy processor and all of an idle one.
const BACKGROUND_PRIORITY: u8 = 25;

/// Runs `job` on a background thread and waits for it without blocking the async workers.
pub async fn run<R, E, F>(job: F) -> Result<R, E>
where
    R: Send + 'static,
    E: From<Failed> + Send + 'static,
    F: FnOnce() -> Result<R, E> + Send + 'static,
{
    let (reply, answer) = oneshot::channel();
    std::thread::Builder::new()
        .name("lotse-background".into())
        .spawn(move || {
            if let Err(error) = ThreadPriorityValue::try_from(BACKGROUND_PRIORITY)
                .map_err(|e| format!("{e:?}"))
                .and_then(|value| {
                    ThreadPriority::Crossplatform(value)
                        .set_for_current()
                        .map_err(|e| format!("{e:?}"))
                })
            {
                tracing::debug!(%error, "cannot lower a background thread's priority");
            }
            let _ = reply.send(job());
        })
        .map_err(|e| Failed(format!("cannot start a background thread: {e}")))?;
    answer
        .await
        .map_err(|_| Failed("a background job failed".into()))?
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The calling thread's nice value, from /proc (field 19 of its stat line).
    fn nice() -> i64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("a stat line");
        let after_name = &stat[stat.rfind(')').expect("a name") + 2..];
        after_name
            .split(' ')
            .nth(16)
            .and_then(|n| n.parse().ok())
            .expect("a nice value")
    }

    #[tokio::test]
    async fn jobs_and_the_threads_they_start_run_behind_serving() {
        let serving = nice();
        let (job, started) = run(|| {
            let started = std::thread::scope(|s| s.spawn(nice).join().expect("joined"));
            Ok::<_, Failed>((nice(), started))
        })
        .await
        .expect("ran");
        assert!(job > serving, "{job} > {serving}");
        assert_eq!(started, job);
        let failed: Result<(), Failed> = run(|| Err(Failed("refused".into()))).await;
        assert!(matches!(failed, Err(Failed(reason)) if reason == "refused"));
    }
}
