using ChatOrganizer.Web.Categorization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Configuration;
using ChatOrganizer.Web.Controllers;
using ChatOrganizer.Web.Controllers.Api;
using ChatOrganizer.Web.Errors;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Search;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;

MallocArenas.Limit();

var builder = WebApplication.CreateBuilder(args);

builder.AddConfigurationSources();
builder.Services.AddSingleton(TimeProvider.System);
builder.AddErrorHandling();
builder.AddSecurity();
builder.AddStorage();
builder.AddOfflineCategorizer();
builder.AddJobs();
builder.AddResults();
builder.AddSearch();
builder.AddCategorySets();
builder.AddJsonApi();
builder.AddPages();
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseTrustedProxies();
app.UseErrorHandling();
app.UseSecurityHeaders();
app.UseStaticFiles();
app.UseJobsDashboard();
app.UseSecurity();
app.MapControllers();
app.MapJsonApi();
app.MapHealthChecks("/health").AllowAnonymous().DisableRateLimiting();

app.Run();

public partial class Program;
