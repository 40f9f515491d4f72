//! Pod IPs from a node's `spec.podCIDR` (IPv4), like a CNI's host-local IPAM.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// Free and used addresses of one node's pod CIDR.
pub struct IpPool {
    network: u32,
    size: u32,
    used: BTreeSet<u32>,
    next: u32,
}

impl IpPool {
    /// A pool for `cidr` (`10.244.1.0/24`); an unparsable CIDR gives an empty pool.
    pub fn new(cidr: &str) -> Self {
        let parsed = cidr.split_once('/').and_then(|(ip, bits)| {
            let ip: Ipv4Addr = ip.parse().ok()?;
            let bits: u32 = bits.parse().ok().filter(|b| *b <= 30)?;
            Some((
                u32::from(ip) & (u32::MAX << (32 - bits)),
                1u32 << (32 - bits),
            ))
        });
        let (network, size) = parsed.unwrap_or((0, 0));
        Self {
            network,
            size,
            used: BTreeSet::new(),
            next: 2,
        }
    }

    /// Records an address as taken (a pod that already has it).
    pub fn mark_used(&mut self, ip: &str) {
        if let Some(offset) = self.offset(ip) {
            self.used.insert(offset);
        }
    }

    pub fn release(&mut self, ip: &str) {
        if let Some(offset) = self.offset(ip) {
            self.used.remove(&offset);
        }
    }

    /// The next free address after the last one handed out (.1 is the gateway).
    pub fn allocate(&mut self) -> Option<String> {
        if self.size < 4 {
            return None;
        }
        let hosts = self.size - 3;
        for step in 0..hosts {
            let offset = 2 + (self.next - 2 + step) % hosts;
            if self.used.insert(offset) {
                self.next = offset + 1;
                return Some(Ipv4Addr::from(self.network + offset).to_string());
            }
        }
        None
    }

    fn offset(&self, ip: &str) -> Option<u32> {
        let ip = u32::from(ip.parse::<Ipv4Addr>().ok()?);
        (ip >= self.network && ip - self.network < self.size).then(|| ip - self.network)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_come_from_the_cidr_and_skip_used_ones() {
        let mut pool = IpPool::new("10.244.1.0/24");
        pool.mark_used("10.244.1.2");
        assert_eq!(pool.allocate().as_deref(), Some("10.244.1.3"));
        assert_eq!(pool.allocate().as_deref(), Some("10.244.1.4"));
        pool.mark_used("10.9.9.9");
        assert!(IpPool::new("bogus").allocate().is_none());
    }
}
