// All server-rendered pages: public (reporters) and team.
import type { FastifyInstance } from 'fastify';

export async function registerPages(_app: FastifyInstance) {}
