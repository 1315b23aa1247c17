#include "falcon/oauth2/net/SigpipeSuppressed.h"

#include <pthread.h>

#include <ctime>

namespace Falcon {
namespace OAuth2 {

SigpipeSuppressed::SigpipeSuppressed()
{
	sigemptyset(&_sigpipe);
	sigaddset(&_sigpipe, SIGPIPE);
	sigset_t pending;
	_pendingBefore = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &_sigpipe, &_previous);
}

SigpipeSuppressed::~SigpipeSuppressed()
{
	sigset_t pending;
	if (!_pendingBefore && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
	{
		const timespec now{0, 0};
		sigtimedwait(&_sigpipe, nullptr, &now);
	}
	pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
}

}
} // namespace Falcon::OAuth2
