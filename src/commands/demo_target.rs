use super::{exit, Failure};
use crate::cli::DemoTargetArgs;

pub async fn serve(args: DemoTargetArgs) -> Result<u8, Failure> {
    let _ = args;
    Err(Failure::cannot_run("demo target not wired yet"))
}
