use super::{exit, Failure};
use crate::cli::DemoTargetArgs;
use crate::target::{DemoTarget, DemoTargetConfig, TlsSetup};
use std::io::Write;
use tokio::signal::unix::{signal, SignalKind};
use tokio_util::sync::CancellationToken;

/// Serves until SIGINT or SIGTERM. The first line on stdout is `listening on URL`.
pub async fn serve(args: DemoTargetArgs) -> Result<u8, Failure> {
    let https = args.tls_ca_out.is_some();
    let config = DemoTargetConfig {
        addr: args.addr,
        delay_scale: args.delay_scale,
        limited_workers: args.limited_workers,
        tls: args
            .tls_ca_out
            .map(|ca_pem_out| TlsSetup::SelfSigned { ca_pem_out }),
    };
    let target = DemoTarget::bind(config)
        .await
        .map_err(|e| Failure::cannot_run(e.to_string()))?;
    let scheme = if https { "https" } else { "http" };
    println!("listening on {scheme}://{}", target.local_addr());
    let _ = std::io::stdout().flush();
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| Failure::cannot_run(e.to_string()))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| Failure::cannot_run(e.to_string()))?;
    tokio::spawn(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        on_signal.cancel();
    });
    target
        .serve(shutdown)
        .await
        .map_err(|e| Failure::cannot_run(e.to_string()))?;
    Ok(exit::PASS)
}
