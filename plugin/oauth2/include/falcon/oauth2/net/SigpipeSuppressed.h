#pragma once

#include <signal.h>

namespace Falcon {
namespace OAuth2 {

/// Keeps a write to a connection the peer (or the deadline) has closed from killing the host:
/// OpenSSL writes with plain write(2), which raises SIGPIPE, and a plugin must not change the
/// process's signal dispositions. SIGPIPE is blocked in this thread for the call, and one that
/// the call raised is taken before it is unblocked (one that was pending before is left alone).
class SigpipeSuppressed
{
public:
	SigpipeSuppressed();
	~SigpipeSuppressed();

	SigpipeSuppressed(const SigpipeSuppressed&) = delete;
	SigpipeSuppressed& operator=(const SigpipeSuppressed&) = delete;

private:
	sigset_t _sigpipe;
	sigset_t _previous;
	bool _blockedBefore = false; ///< the thread held SIGPIPE back already: its mask stays as it is
	bool _pendingBefore = false;
};

}
} // namespace Falcon::OAuth2
