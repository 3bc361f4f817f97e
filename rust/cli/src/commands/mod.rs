pub mod accounts;
pub mod demo;
pub mod jobs;
pub mod link;
pub mod login;
pub mod ls;
pub mod prepare;
pub mod upload;
