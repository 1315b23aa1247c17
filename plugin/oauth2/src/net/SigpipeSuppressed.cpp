#include "falcon/oauth2/net/SigpipeSuppressed.h"

#include <pthread.h>

#include <ctime>

namespace Falcon {
namespace OAuth2 {

SigpipeSuppressed::SigpipeSuppressed()
{
	sigemptyset(&_sigpipe);
	sigaddset(&_sigpipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &_sigpipe, &_previous);
	_blockedBefore = sigismember(&_previous, SIGPIPE) == 1;
	// Only a thread that already held SIGPIPE back can have one pending: an unblocked one would
	// have been delivered. Only then is it worth a system call to look.
	sigset_t pending;
	_pendingBefore = _blockedBefore && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

SigpipeSuppressed::~SigpipeSuppressed()
{
	if (!_pendingBefore)
	{
		// Takes the one this call raised, if any (a zero wait: it returns at once).
		const timespec now{0, 0};
		sigtimedwait(&_sigpipe, nullptr, &now);
	}
	if (!_blockedBefore) pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
}

}
} // namespace Falcon::OAuth2
