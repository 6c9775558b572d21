//! `<T as NotClone<_>>::check()` fails to compile if `T` is `Clone` (two
//! impls then apply and the call is ambiguous): a secret type that must
//! serve once is not copied by accident. Included by `#[path]` in the
//! core's and the CLI's unit tests.
#![allow(dead_code)]

pub trait NotClone<A> {
    fn check() {}
}
impl<T: ?Sized> NotClone<()> for T {}
pub struct IfClone;
impl<T: Clone> NotClone<IfClone> for T {}
