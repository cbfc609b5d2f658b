using ChatOrganizer.Web.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace ChatOrganizer.Web.Tests.Jobs;

public class ReadsUnderWayTests
{
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WithNoReadSinceStartNothingWaits()
    {
        var reads = new ReadsUnderWay(new FakeTimeProvider());

        await reads.WhenQuietAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(reads.Any);
    }

    [Fact]
    public async Task BackgroundWorkWaitsForTheReadAndAFewSecondsAfterIt()
    {
        var time = new FakeTimeProvider();
        var reads = new ReadsUnderWay(time);
        var read = reads.Begin();
        var quiet = reads.WhenQuietAsync(CancellationToken.None);
        Assert.True(reads.Any);

        read.Dispose();
        time.Advance(Settled - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.False(reads.Any);
        Assert.False(quiet.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        await quiet.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AReadBegunWhileSettlingStartsTheWaitAgain()
    {
        var time = new FakeTimeProvider();
        var reads = new ReadsUnderWay(time);
        reads.Begin().Dispose();
        var quiet = reads.WhenQuietAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(3));
        var second = reads.Begin();
        time.Advance(TimeSpan.FromSeconds(3));
        await Task.Delay(100);
        Assert.False(quiet.IsCompleted);

        second.Dispose();
        time.Advance(Settled - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.False(quiet.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        await quiet.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
