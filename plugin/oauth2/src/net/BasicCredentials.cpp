#include "falcon/oauth2/net/BasicCredentials.h"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace Falcon {
namespace OAuth2 {

std::string basicCredentials(const std::string& user, const std::string& password)
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out);
	encoder.rdbuf()->setLineLength(0);
	encoder << user << ':' << password;
	encoder.close();
	return out.str();
}

}
} // namespace Falcon::OAuth2
