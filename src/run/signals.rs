//! Ctrl-C and SIGTERM end a run gracefully (it still writes a partial result); a second
//! Ctrl-C exits at once.

use crate::engine::StopSignal;
use tokio::signal::unix::{signal, SignalKind};

/// Exit status of a run abandoned by a second interrupt (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

pub fn install(stop: StopSignal) -> std::io::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        loop {
            let name = tokio::select! {
                Some(()) = interrupt.recv() => "SIGINT",
                Some(()) = terminate.recv() => "SIGTERM",
                else => return,
            };
            if stop.is_stopped() {
                eprintln!("\nloadlab: second {name}: exiting now without writing a result");
                std::process::exit(EXIT_INTERRUPTED);
            }
            eprintln!("\nloadlab: {name} received: stopping, finishing in-flight requests, writing a partial result (again to quit at once)");
            stop.stop(format!("interrupted by {name}"));
        }
    });
    Ok(())
}
