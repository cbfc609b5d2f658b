using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChatOrganizer.Web.Controllers.Api;

internal static class ApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";

    // The JSON API's conventions (enums as lower-case words) and its OpenAPI document.
    public static WebApplicationBuilder AddJsonApi(this WebApplicationBuilder builder)
    {
        var enums = new JsonStringEnumConverter(JsonNamingPolicy.CamelCase);
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(o => o.JsonSerializerOptions.Converters.Add(enums));
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => o.SerializerOptions.Converters.Add(enums));
        builder.Services.AddOpenApi(options => options.AddOperationTransformer(DescribeUpload));
        return builder;
    }

    public static WebApplication MapJsonApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }

    // POST /api/jobs reads its multipart body itself (streamed, never buffered), so nothing in its signature
    // tells the document generator what the form holds: say it here.
    private static Task DescribeUpload(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.HttpMethod != "POST" || context.Description.RelativePath != "api/jobs") return Task.CompletedTask;

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The export: a ChatGPT export ZIP or its conversations.json." },
                            ["mode"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["topic", "month", "year"], Description = "topic (default) categorizes; month and year group by date and need no model." },
                            ["categorySetId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A set from /api/category-sets; default when empty." },
                            ["model"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Model name for this job; the server's setting when empty." },
                        },
                    },
                },
            },
        };
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = JobsController.KeyTokenHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Your own API key as a token from POST /api/keys; without it the server's key (or the offline categorizer) is used.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        return Task.CompletedTask;
    }
}
