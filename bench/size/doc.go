// Package size holds the minimal programs whose binary sizes and module
// counts the README's "Light? (measured)" section reports. Each program
// (one directory each) makes one ALB DissociateAdditionalCertificatesFromListener
// call to the endpoint of its -endpoint flag (default: the ALB_ENDPOINT
// environment variable), so the linker keeps the code a real caller needs:
//
//   - floor: net/http posts the form and decodes the JSON answer, unsigned
//     (the runtime, TLS, HTTP/2 and encoding/json that every client pays);
//   - ours-default: this SDK, alb with alicloud.LoadDefaultConfig (the
//     default credential chain);
//   - ours-static: this SDK, alb with alicloud.StaticCredentials;
//   - legacy: github.com/aliyun/alibaba-cloud-sdk-go services/alb with
//     NewClientWithProvider (its default credential chain);
//   - darabonba: github.com/alibabacloud-go/darabonba-openapi/v2 CallApi as
//     the generated alb-20200616 client calls it, with credentials-go's
//     default chain.
//
// They are not run by the tests; go -C bench run ./cmd/size builds them and
// prints the table.
package size
