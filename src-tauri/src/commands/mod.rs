//! The window's commands: each one is short (arguments → core → error mapped), the logic stays
//! in mxdoctor-core (STYLE.md convention 6).

pub mod apply;
pub mod catalog;
pub mod check;
pub mod files;
pub mod practice;
pub mod repair;
pub mod settings;
pub mod wait;
