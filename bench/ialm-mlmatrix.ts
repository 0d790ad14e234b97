// Benchmark baseline only (not part of the library): a plain inexact ALM (spec rpca.md 3.3 defaults) that takes a
// full SVD from ml-matrix every iteration, as a JS user without pairsmith would write it.
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

export interface BaselineResult {
  L: Float64Array;
  iterations: number;
  converged: boolean;
}

export function ialmMlMatrix(D: Float64Array, m: number, n: number, tol = 1e-7, maxIter = 1000): BaselineResult {
  const d = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) d.set(i, j, D[i * n + j]!);
  const lambda = 1 / Math.sqrt(Math.max(m, n));
  const normF = d.norm('frobenius');
  const norm2 = new SingularValueDecomposition(d, { autoTranspose: true }).norm2;
  const maxAbs = Math.max(d.max(), -d.min());
  const Y = d.clone().div(Math.max(norm2, maxAbs / lambda));
  let mu = 1.25 / norm2;
  const muBar = mu * 1e7;
  let A = Matrix.zeros(m, n);
  const E = Matrix.zeros(m, n);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    iterations++;
    const shr = lambda / mu;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const t = d.get(i, j) - A.get(i, j) + Y.get(i, j) / mu;
        E.set(i, j, t > shr ? t - shr : t < -shr ? t + shr : 0);
      }
    }
    const X = Matrix.sub(d, E).add(Matrix.div(Y, mu));
    const svd = new SingularValueDecomposition(X, { autoTranspose: true });
    const s = svd.diagonal;
    let svp = 0;
    while (svp < s.length && s[svp]! > 1 / mu) svp++;
    const U = svd.leftSingularVectors.subMatrix(0, m - 1, 0, Math.max(svp, 1) - 1);
    const V = svd.rightSingularVectors.subMatrix(0, n - 1, 0, Math.max(svp, 1) - 1);
    for (let k = 0; k < svp; k++) U.setColumn(k, U.getColumnVector(k).mul(s[k]! - 1 / mu));
    A = svp > 0 ? U.mmul(V.transpose()) : Matrix.zeros(m, n);
    const Z = Matrix.sub(d, A).sub(E);
    Y.add(Z.clone().mul(mu));
    mu = Math.min(mu * 1.5, muBar);
    if (Z.norm('frobenius') / normF < tol) {
      converged = true;
      break;
    }
  }
  return { L: Float64Array.from(A.to1DArray()), iterations, converged };
}
