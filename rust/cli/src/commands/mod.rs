pub mod accounts;
pub mod demo;
pub mod jobs;
pub mod login;
pub mod ls;
pub mod prepare;
pub mod upload;
