pub mod accounts;
pub mod demo;
pub mod login;
pub mod ls;
pub mod upload;
