#pragma once
// The MPI ranks of a run (issue 17; docs/cluster.md). A binary started by mpirun (OpenMPI) is one of
// K ranks; started alone it is rank 0 of 1 and makes no MPI call at all (MPI is not even initialised:
// a singleton MPI_Init would start a daemon and cost startup time for nothing).
//
// The ensemble runner gives each rank a contiguous range of its fixed particle blocks and the
// observers share their per-block (or per-particle) results through the calls below, which copy
// values, never add floating-point numbers across ranks: every rank ends with the same bits a single
// process would have computed, for any K. Everything else an experiment does (Fokker–Planck solves,
// quadratures, checks) runs identically on every rank; rank 0 alone writes the results file.
//
// mpi.h is included only by src/ranks.cpp, so nothing else of the project sees MPI.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "sgdsde/core/types.hpp"

namespace sgdsde::ranks {

/// Initialises MPI when the process was started by mpirun or a PMIx/PMI launcher (OMPI_COMM_WORLD_SIZE,
/// PMIX_RANK or PMI_RANK set); otherwise does nothing. Idempotent. Installs MPI_ERRORS_RETURN so that
/// failures become exceptions.
void init(int* argc, char*** argv);
/// Finalises MPI if init() started it.
void finalize();
/// Whether MPI is initialised (started under mpirun).
[[nodiscard]] bool active();
[[nodiscard]] int rank();  ///< 0 without MPI
[[nodiscard]] int size();  ///< 1 without MPI
/// The MPI library's version string ("" without MPI).
[[nodiscard]] std::string library_version();

/// The contiguous share [first, last) of n items (blocks) of rank r among K: the first n mod K ranks
/// get one more. A pure function, so every rank knows every other rank's share.
[[nodiscard]] std::pair<Index, Index> share(Index n, int r, int K);

/// Every rank r owns the items [offsets[r], offsets[r + 1]) of `data` (offsets has size() + 1 entries);
/// after the call every rank holds every owner's items (an in-place all-gather: values are copied).
void gather_owned(std::span<double> data, std::span<const Index> offsets);
void gather_owned(std::span<std::int64_t> data, std::span<const Index> offsets);
/// Element-wise: where exactly one rank changed an element from `sentinel` (compared bit for bit),
/// every rank gets that rank's value; elements no rank changed stay `sentinel`.
void merge_changed(std::span<double> data, double sentinel);
/// Integer sums across ranks (exact in any order).
void sum(std::span<std::int64_t> data);
/// Collective: whether any rank failed, and if so the lowest failing rank and its message (every rank
/// gets the same answer; `my_failure` is null on a rank that did not fail).
[[nodiscard]] std::optional<std::pair<int, std::string>> first_failure(const std::string* my_failure);

}  // namespace sgdsde::ranks
