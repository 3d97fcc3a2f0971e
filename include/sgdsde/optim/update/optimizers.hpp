#pragma once
// The optimizers (seed 003; THEORY §7). Adding one: a header in update/ and a line here
// (docs/adding-an-optimizer.md).
#include "sgdsde/optim/update/adagrad.hpp"
#include "sgdsde/optim/update/adam.hpp"
#include "sgdsde/optim/update/momentum.hpp"
#include "sgdsde/optim/update/nesterov.hpp"
#include "sgdsde/optim/update/optimizer.hpp"
#include "sgdsde/optim/update/rmsprop.hpp"
#include "sgdsde/optim/update/sgd.hpp"
