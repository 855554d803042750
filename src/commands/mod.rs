//! The edge: each command turns parsed arguments into library calls and an exit status.
//! Printing for people happens here and in `report`, never in the engine.

mod capacity;
mod compare;
mod demo_target;
mod hpa;
mod k8s;
mod merge;
mod report;
mod run;
mod validate;

use crate::cli::{Cli, Command};

/// Exit statuses shared by every command.
pub mod exit {
    pub const PASS: u8 = 0;
    pub const THRESHOLD_FAILED: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const CANNOT_RUN: u8 = 3;
}

/// A command that could not do its job: the status to exit with and what to tell the user.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

impl Failure {
    pub fn bad_input(message: impl Into<String>) -> Self {
        Failure {
            status: exit::BAD_INPUT,
            message: message.into(),
        }
    }
    pub fn cannot_run(message: impl Into<String>) -> Self {
        Failure {
            status: exit::CANNOT_RUN,
            message: message.into(),
        }
    }
}

pub async fn execute(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Validate { scenario } => validate::validate(&scenario),
        Command::Report(args) => report::report(args),
        Command::DemoTarget(args) => demo_target::serve(args).await,
        Command::Merge(args) => merge::merge(args),
        Command::K8s(args) => k8s::k8s(args),
        Command::Compare(args) => compare::compare(args),
        Command::Capacity(args) => capacity::capacity(args).await,
        Command::Hpa(args) => hpa::hpa(args),
    }
}
