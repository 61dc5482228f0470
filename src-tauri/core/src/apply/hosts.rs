//! The real DNS hosts, through the `dns-update` crate.
//!
//! (Being built: `connect(dns_host, endpoint, credentials)`.)
