global using ChatOrganizer.Testing;
global using Microsoft.Extensions.DependencyInjection;
