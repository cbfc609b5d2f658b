using ChatOrganizer.Web.Configuration;
using ChatOrganizer.Web.Errors;
using ChatOrganizer.Web.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddConfigurationSources();
builder.AddErrorHandling();
builder.AddSessions();
builder.Services.AddControllersWithViews();
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseErrorHandling();
app.UseStaticFiles();
app.UseSessions();
app.MapControllers();
app.MapHealthChecks("/health").AllowAnonymous();

app.Run();

public partial class Program;
