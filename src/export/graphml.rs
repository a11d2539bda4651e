//! Placeholder: filled in this session.
use super::ExportError;
use crate::store::{ExportListing, Store};
use std::io::Write;

/// Not written yet.
pub fn write(_store: &Store, _listings: &[ExportListing], _out: &mut dyn Write) -> Result<(), ExportError> {
    Err(std::io::Error::other("graphml export is not written yet").into())
}
