/// Declares a field-less enum whose variants each have a stable string key: the form used in
/// storage, on the wire, in the CLI, in the audit log and in translation keys. Generates
/// `ALL` (in declaration order), `key()`, `from_key()` and serde by key, so the wire format of
/// a value is exactly its key.
macro_rules! keyed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $key:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            pub const ALL: [$name; keyed_enum!(@count $($variant)+)] = [$($name::$variant),+];

            /// The stable key of this value.
            pub const fn key(self) -> &'static str {
                match self {
                    $( $name::$variant => $key ),+
                }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.key() == key)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let key = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::from_key(&key).ok_or_else(|| {
                    serde::de::Error::unknown_variant(&key, &[$($key),+])
                })
            }
        }
    };
    (@count) => { 0 };
    (@count $head:ident $($tail:ident)*) => { 1 + keyed_enum!(@count $($tail)*) };
}

/// Implements serde for a type by its `key()` / `from_key()` (for the per-feature wrapper enums
/// `Action` and `Permission`, whose keys are namespaced: `requirement.approve`).
macro_rules! serde_by_key {
    ($name:ident, $what:literal) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let key =
                    <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::from_key(&key)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown {}: {key}", $what)))
            }
        }
    };
}
