using ChatOrganizer.Web.Configuration;
using ChatOrganizer.Web.Errors;
using ChatOrganizer.Web.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddConfigurationSources();
builder.AddErrorHandling();
builder.AddSecurity();
builder.Services.AddControllersWithViews();
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseErrorHandling();
app.UseSecurityHeaders();
app.UseStaticFiles();
app.UseSecurity();
app.MapControllers();
app.MapHealthChecks("/health").AllowAnonymous().DisableRateLimiting();

app.Run();

public partial class Program;
