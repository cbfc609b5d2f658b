using HangfireLevel = Hangfire.Logging.LogLevel;

namespace ChatOrganizer.Web.Jobs;

// Hangfire's log messages, into the app's logging. Hangfire has one log provider per process and keeps the loggers
// it gets in static fields, so its own provider would tie every message to the first app's logger factory, and throw
// once that app is disposed (the tests start and stop many apps in one process). This one looks up the factory of
// the app that started last at each message, and drops what arrives while there is none.
internal sealed class HangfireLogs : Hangfire.Logging.ILogProvider
{
    public static readonly HangfireLogs Provider = new();

    private volatile ILoggerFactory? _factory;

    private HangfireLogs()
    {
    }

    public void WriteTo(ILoggerFactory factory) => _factory = factory;

    public Hangfire.Logging.ILog GetLogger(string name) => new ForwardingLog(this, name);

    private sealed class ForwardingLog(HangfireLogs provider, string name) : Hangfire.Logging.ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                HangfireLevel.Fatal => LogLevel.Critical,
                _ => LogLevel.None,
            };
            try
            {
                if (provider._factory?.CreateLogger(name) is not { } logger) return false;
                if (messageFunc is null) return logger.IsEnabled(level);
                if (!logger.IsEnabled(level)) return false;
                // Hangfire's messages come formatted: logged as they are, never read as a template.
                logger.Log(level, default, messageFunc(), exception, static (message, _) => message);
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // that app has stopped; the next one to start takes over
            }
        }
    }
}
