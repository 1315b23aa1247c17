#include "falcon/oauth2/http/Transport.h"

namespace Falcon {
namespace OAuth2 {

TransportError::TransportError(ErrorKind kind, const std::string& message, bool beforeReply, bool permanent):
	Poco::Exception(message), _kind(kind), _beforeReply(beforeReply), _permanent(permanent)
{
}

}
} // namespace Falcon::OAuth2
