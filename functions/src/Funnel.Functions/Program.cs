using Funnel.Functions;
using Funnel.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The function app under the Azure Functions host (isolated worker, ASP.NET Core integration for HTTP).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<Funnel.Functions.Http.SecurityHeaders>();
builder.Services.AddPipeline();
builder.Services.AddPipelineTelemetry(builder.Configuration, underFunctionsHost: true);
builder.Build().Run();
