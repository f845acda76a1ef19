// An endpoint where nothing listens, for the tests of a refused connection. Not a port taken with
// listen(0) and closed again: with other tests (and other runs) binding ports all the while, the
// system may hand that port to another server before the request, which then answers. Port 1 is
// below the range the system hands out for listen(0), and no test binds it.
export const REFUSED_HTTP_ENDPOINT = 'http://127.0.0.1:1';
export const REFUSED_HTTPS_ENDPOINT = 'https://127.0.0.1:1';
