using ChatOrganizer.Web.Jobs;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Tests.Jobs;

public sealed class JobOptionsTests
{
    [Fact]
    public void TheDefaultsAreValid()
    {
        Assert.True(new JobOptionsValidator().Validate(null, new JobOptions()).Succeeded);
    }

    [Fact]
    public void EveryBadSettingIsReportedWithWhatIsAllowed()
    {
        var options = new JobOptions { WorkItemSize = 0, MaxAttempts = 0, RetentionPeriod = TimeSpan.Zero, Concurrency = 1000 };

        var result = new JobOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures.Count());
        Assert.Contains("Jobs:WorkItemSize is 0; it must be between 1 and 10000.", result.Failures);
        Assert.Contains(result.Failures, f => f.StartsWith("Jobs:RetentionPeriod", StringComparison.Ordinal) && f.Contains("30.00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void ADashboardTokenShortEnoughToGuessIsRefusedSayingHowToMakeOne()
    {
        var result = new JobOptionsValidator().Validate(null, new JobOptions { DashboardToken = "letmein" });

        Assert.Contains(result.Failures!, f => f.StartsWith("Jobs:DashboardToken is set but shorter than 16 characters", StringComparison.Ordinal) && f.Contains("openssl rand", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAppRefusesToStartWithABadSetting()
    {
        using var app = new ChatOrganizerApp().With("Jobs:WorkItemSize", "0");

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Jobs:WorkItemSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAppRefusesToStartWithABadCategorizationSettingNamingIt()
    {
        using var app = new ChatOrganizerApp().With("Categorization:BatchSize", "0");

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Categorization:BatchSize is 0; allowed: 1 to 100.", error.Message, StringComparison.Ordinal);
    }
}
