#pragma once
// The learning-rate schedules (seed 004; THEORY §7). Adding one: a header in schedule/ and a line here.
#include "sgdsde/optim/schedule/constant.hpp"
#include "sgdsde/optim/schedule/cosine_warm_restarts.hpp"
#include "sgdsde/optim/schedule/inverse_time.hpp"
#include "sgdsde/optim/schedule/schedule.hpp"
#include "sgdsde/optim/schedule/step_decay.hpp"
#include "sgdsde/optim/schedule/transformer.hpp"
#include "sgdsde/optim/schedule/triangular.hpp"
#include "sgdsde/optim/schedule/warmup_linear.hpp"
