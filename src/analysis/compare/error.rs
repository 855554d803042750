//! Why two runs could not be compared, or the options were unusable.

/// A comparison that cannot be made. `Incompatible` lists every difference in shape, so a
/// user can fix them all at once; the `compare` command maps it to exit status 2.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompareError {
    /// The runs do not have the same shape (stages, requests, load model).
    #[error("the runs cannot be compared: {}", differences.join("; "))]
    Incompatible { differences: Vec<String> },
    /// A comparison option is out of range.
    #[error("invalid comparison option {name}: {reason}")]
    InvalidOption { name: &'static str, reason: String },
    /// A `--tolerance` item is malformed.
    #[error("invalid tolerance {input:?}: {reason}")]
    InvalidTolerance { input: String, reason: String },
}
