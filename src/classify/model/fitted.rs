//! The smartcore models the classifier compares: k-NN, Gaussian naive Bayes, random forest.

use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::naive_bayes::gaussian::{GaussianNB, GaussianNBParameters};
use smartcore::neighbors::knn_classifier::{KNNClassifier, KNNClassifierParameters};

use super::TrainError;

/// The model kinds compared, in order of preference on a tie (simplest first).
pub const KINDS: [&str; 3] = ["knn", "naive_bayes", "random_forest"];

/// Neighbours of the k-NN model (fewer when there are fewer training rows).
const K: usize = 5;

type Matrix = DenseMatrix<f64>;

/// A fitted smartcore model of one of the [`KINDS`].
pub enum Fitted {
    /// k-nearest neighbours.
    Knn(
        KNNClassifier<
            f64,
            u32,
            Matrix,
            Vec<u32>,
            smartcore::metrics::distance::euclidian::Euclidian<f64>,
        >,
    ),
    /// Gaussian naive Bayes.
    Bayes(GaussianNB<f64, u32, Matrix, Vec<u32>>),
    /// Random forest (seeded, so deterministic).
    Forest(RandomForestClassifier<f64, u32, Matrix, Vec<u32>>),
}

impl Fitted {
    /// Fits `kind` (one of [`KINDS`]; anything else fits k-NN) on standardized rows `x` (one
    /// row per example, every row as long) with class numbers `y`.
    ///
    /// # Errors
    ///
    /// [`TrainError::Fit`] with smartcore's message when it refuses the data (for example no
    /// rows at all).
    pub fn fit(kind: &str, x: &[Vec<f64>], y: &[u32]) -> Result<Self, TrainError> {
        let kind_name: &'static str = KINDS.iter().find(|k| **k == kind).copied().unwrap_or("knn");
        let err = |e: smartcore::error::Failed| TrainError::Fit {
            kind: kind_name,
            message: e.to_string(),
        };
        let m = DenseMatrix::from_2d_vec(&x.to_vec()).map_err(err)?;
        let y = y.to_vec();
        Ok(match kind_name {
            "naive_bayes" => {
                Self::Bayes(GaussianNB::fit(&m, &y, GaussianNBParameters::default()).map_err(err)?)
            }
            "random_forest" => Self::Forest(
                RandomForestClassifier::fit(
                    &m,
                    &y,
                    RandomForestClassifierParameters::default()
                        .with_n_trees(15)
                        .with_max_depth(8)
                        .with_seed(42),
                )
                .map_err(err)?,
            ),
            _ => Self::Knn(
                KNNClassifier::fit(
                    &m,
                    &y,
                    KNNClassifierParameters::default().with_k(K.min(x.len())),
                )
                .map_err(err)?,
            ),
        })
    }

    /// The class number predicted for one standardized row; `None` when smartcore cannot
    /// predict it (a row of the wrong length).
    pub fn predict(&self, z: &[f64]) -> Option<u32> {
        let m = DenseMatrix::from_2d_vec(&vec![z.to_vec()]).ok()?;
        let out = match self {
            Self::Knn(k) => k.predict(&m),
            Self::Bayes(b) => b.predict(&m),
            Self::Forest(f) => f.predict(&m),
        };
        out.ok()?.first().copied()
    }
}
