pub mod accounts;
pub mod demo;
pub mod docs;
pub mod login;
pub mod ls;
pub mod prepare;
pub mod schedule;
pub mod upload;
