//! The vehicle classifier's model: training it and applying it.
//!
//! Features are standardized; three smartcore model kinds (k-nearest neighbours, Gaussian
//! naive Bayes, random forest) are compared by stratified k-fold and the best is kept. On top of
//! the model's decision, a per-class diagonal Gaussian in standardized space gives (a) a
//! confidence, calibrated by a softmax temperature fitted on out-of-fold predictions, and (b) an
//! open-set bound: a curve farther from its predicted class than that class's own sessions ever
//! were is a car the model does not know.
//!
//! - [`train`] (`train.rs`): the k-fold comparison and the model file it writes.
//! - `gaussian.rs`: the per-class Gaussians, their calibration and open-set bounds.
//! - `fitted.rs`: the smartcore models.
//! - [`Loaded`] (`loaded.rs`): a model file refitted and scoring curves.
//! - `scale.rs`: standardization and column picking.

mod fitted;
mod gaussian;
mod loaded;
mod scale;
mod train;

pub use fitted::{Fitted, KINDS};
pub use gaussian::{distance, log_likelihoods, softmax};
pub use loaded::{Loaded, Score};
pub use scale::{pick, standardize};
pub use train::{Example, TrainError, TrainReport, train};
