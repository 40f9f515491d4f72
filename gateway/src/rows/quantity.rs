//! Kubernetes resource quantities (`100m`, `1`, `2Gi`, `500M`, `1e3`,
//! `0.5`), a port of the grammar of apimachinery's `resource.ParseQuantity`:
//!
//! ```text
//! <quantity> ::= <signedNumber><suffix>
//! <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei          (powers of 2^10)
//!              | n | u | m | "" | k | M | G | T | P | E (powers of 10^3)
//!              | e<signedNumber> | E<signedNumber>     (powers of 10)
//! ```
//!
//! Values are exact: the digits are kept as an integer with a power of ten
//! and of two, and only [`Quantity::scaled`] rounds, upwards as upstream's
//! `Value()` and `MilliValue()` do (`0.1m` of cpu is 1 millicore). Results
//! saturate at `i64` rather than overflow, so `1e999` cannot panic. No crate
//! on our list parses quantities without also pulling in k8s-openapi's
//! types (whose `Quantity` is an unparsed string), hence this small port.

/// A parsed quantity: `digits × 10^exp10 × 2^exp2`, negated if `negative`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    negative: bool,
    digits: u128,
    exp10: i32,
    exp2: u32,
}

/// Parses `text`; `None` when it is not a quantity.
pub fn parse(text: &str) -> Option<Quantity> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
        return None;
    }
    let (exp10, exp2) = suffix_exponents(suffix)?;
    let mut digits: u128 = 0;
    let mut exp10 = i64::from(exp10) - fraction.len() as i64;
    for d in whole.bytes().chain(fraction.bytes()) {
        match digits
            .checked_mul(10)
            .and_then(|n| n.checked_add(u128::from(d - b'0')))
        {
            Some(n) => digits = n,
            // Past 38 digits, keep the magnitude and drop the precision.
            None => exp10 += 1,
        }
    }
    Some(Quantity {
        negative,
        digits,
        exp10: exp10.clamp(-10_000, 10_000) as i32,
        exp2,
    })
}

/// The powers of ten and two a suffix stands for.
fn suffix_exponents(suffix: &str) -> Option<(i32, u32)> {
    let found = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => (decimal_exponent(suffix)?, 0),
    };
    Some(found)
}

/// The `e3` / `E-2` suffix as a power of ten; anything past ±10,000
/// saturates (or rounds to the smallest unit) anyway.
fn decimal_exponent(suffix: &str) -> Option<i32> {
    let exponent = suffix.strip_prefix(['e', 'E'])?;
    let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bound = if exponent.starts_with('-') {
        -10_000
    } else {
        10_000
    };
    Some(
        exponent
            .parse::<i64>()
            .unwrap_or(bound)
            .clamp(-10_000, 10_000) as i32,
    )
}

impl Quantity {
    /// The value in units of `10^scale` (`-3` for millis, `0` for units),
    /// rounded away from zero and saturated at `i64`.
    pub fn scaled(&self, scale: i32) -> i64 {
        let mut value = self.digits;
        for _ in 0..self.exp2 {
            value = value.saturating_mul(2);
        }
        let exp = i64::from(self.exp10) - i64::from(scale);
        if exp >= 0 {
            for _ in 0..exp.min(40) {
                value = value.saturating_mul(10);
            }
        } else if value != 0 {
            // 10^39 > u128::MAX: any such division leaves less than one.
            value = match 10u128.checked_pow((-exp) as u32) {
                Some(divisor) => value.div_ceil(divisor),
                None => 1,
            };
        }
        let magnitude = i64::try_from(value).unwrap_or(i64::MAX);
        if self.negative { -magnitude } else { magnitude }
    }

    /// Thousandths (a cpu quantity in millicores).
    pub fn millis(&self) -> i64 {
        self.scaled(-3)
    }

    /// Whole units (a memory quantity in bytes).
    pub fn units(&self) -> i64 {
        self.scaled(0)
    }
}

/// A quantity field (a string, or a bare JSON number as some clients
/// write), in millis; 0 when absent or malformed.
pub fn millis_of(value: &serde_json::Value) -> i64 {
    of(value).map_or(0, |q| q.millis())
}

/// A quantity field in whole units; 0 when absent or malformed.
pub fn units_of(value: &serde_json::Value) -> i64 {
    of(value).map_or(0, |q| q.units())
}

fn of(value: &serde_json::Value) -> Option<Quantity> {
    match value {
        serde_json::Value::String(s) => parse(s),
        serde_json::Value::Number(n) => parse(&n.to_string()),
        _ => None,
    }
}
