// The verifier pool: worker actors that check commit signatures for the channel ends, so a channel
// end hands its ~42 us recovery to whichever worker thread is free and goes on with other
// messages. Jobs go round robin (an atomic counter in the context: no dispatcher actor in the
// way). Running on CAF's own worker threads, the pool never oversubscribes the cores the way a
// second thread pool (crypto::batch_verifier) beside CAF's scheduler would.
//
// Whether this beats checking inline depends on the load (MEASURED in bench/engine_bench.cpp):
// with many busy channels every core is already busy and the extra messages only cost; with few
// channels the pool spreads one channel's checks over the cores. engine_config::verify_on_pool.
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/network.hpp"
#include "crypto/signature.hpp"

namespace clearway::actors {
namespace {

struct verifier_state {
  context_ptr ctx;
  static inline const char* name = "clearway.verifier";
};

verifier_actor::behavior_type verifier_fn(verifier_actor::stateful_pointer<verifier_state> self, context_ptr c) {
  const spawn_scope scope{*c, self};
  self->state.ctx = std::move(c);
  return {
      [self](verify_atom, const verify_job& job) {
        auto& ctx = *self->state.ctx;
        const work_scope ws{ctx, self};
        const bool ok = static_cast<bool>(crypto::verify_eip191_with_key(job.sig, job.msg_hash, job.signer));
        post(self, ctx, job.reply_to, verified_atom::value, job.token, ok);
      },
  };
}

}  // namespace

void spawn_verifiers(caf::actor_system& sys, context_ptr ctx, unsigned count) {
  for (unsigned i = 0; i < std::max(1U, count); ++i) {
    before_spawn(*ctx);
    ctx->verifiers.push_back(sys.spawn(verifier_fn, ctx));
  }
}


}  // namespace clearway::actors
