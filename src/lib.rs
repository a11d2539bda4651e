pub mod matcher;
pub mod rules;
