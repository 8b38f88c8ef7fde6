import type { LocaleCopy } from './types.js';

// French typography: a no-break space (\u00a0) before ":"; SMS bodies avoid ç, ê, ô… to stay in GSM-7.
export const fr: LocaleCopy = {
  lang: 'fr',
  codeNote: 'Ce code expire bientôt et ne peut être utilisé qu’une seule fois. Ne le communiquez à personne, nous ne vous le demanderons jamais.',
  linkFallback: 'Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur\u00a0:',
  footer: 'Cet e-mail a été envoyé automatiquement, merci de ne pas y répondre.',
  types: {
    SignIn: {
      subject: 'Votre code de connexion',
      intro: 'Saisissez ce code de vérification pour vous connecter\u00a0:',
      ignore: 'Si vous n’avez pas essayé de vous connecter, vous pouvez ignorer cet e-mail.',
      sms: 'Votre code de connexion est {{code}}. Ne le communiquez à personne.',
    },
    Register: {
      subject: 'Votre code d’inscription',
      intro: 'Saisissez ce code de vérification pour confirmer votre adresse e-mail et finaliser votre inscription\u00a0:',
      ignore: 'Si vous n’avez pas demandé à créer un compte, vous pouvez ignorer cet e-mail.',
      sms: "Votre code d'inscription est {{code}}. Ne le communiquez à personne.",
    },
    ForgotPassword: {
      subject: 'Votre code de réinitialisation du mot de passe',
      intro: 'Saisissez ce code de vérification pour réinitialiser votre mot de passe\u00a0:',
      ignore: 'Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer cet e-mail. Votre mot de passe ne sera pas modifié.',
      sms: "Votre code de réinitialisation du mot de passe est {{code}}. Si vous n'avez rien demandé, ignorez ce SMS.",
    },
    Generic: {
      subject: 'Votre code de vérification',
      intro: 'Saisissez ce code de vérification pour continuer\u00a0:',
      ignore: 'Si vous n’avez pas demandé ce code, vous pouvez ignorer cet e-mail.',
      sms: 'Votre code de vérification est {{code}}. Ne le communiquez à personne.',
    },
    OrganizationInvitation: {
      subject: 'Invitation à rejoindre une organisation',
      intro: 'Une invitation à rejoindre une organisation vous a été envoyée. Cliquez sur le bouton ci-dessous pour l’accepter.',
      button: 'Accepter l’invitation',
      ignore: 'Si vous ne vous attendiez pas à cette invitation, vous pouvez ignorer cet e-mail.',
      sms: "Invitation à rejoindre une organisation. Pour l'accepter : {{link}}",
    },
    UserPermissionValidation: {
      subject: 'Confirmez votre identité',
      intro: 'Pour protéger votre compte, nous devons confirmer votre identité avant toute modification de ses paramètres. Saisissez ce code de vérification\u00a0:',
      ignore: 'Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer cet e-mail. Votre compte ne sera pas modifié.',
      sms: "Votre code de confirmation d'identité est {{code}}. Si vous n'avez rien demandé, ignorez ce SMS.",
    },
    BindNewIdentifier: {
      subject: 'Confirmez votre nouvelle adresse e-mail',
      intro: 'Saisissez ce code de vérification pour confirmer cette adresse e-mail et l’associer à votre compte\u00a0:',
      ignore: 'Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer cet e-mail. Cette adresse ne sera associée à aucun compte.',
      sms: 'Votre code de confirmation de ce numéro est {{code}}. Ne le communiquez à personne.',
    },
    MfaVerification: {
      subject: 'Votre code de vérification en deux étapes',
      intro: 'Saisissez ce code pour terminer votre connexion avec la vérification en deux étapes\u00a0:',
      ignore: 'Si vous n’avez pas essayé de vous connecter, quelqu’un tente peut-être d’accéder à votre compte. Nous vous conseillons de changer votre mot de passe.',
      sms: 'Votre code de vérification en deux étapes est {{code}}. Ne le communiquez à personne.',
    },
    BindMfa: {
      subject: 'Configuration de la vérification en deux étapes',
      intro: 'Saisissez ce code pour utiliser cette adresse e-mail pour la vérification en deux étapes\u00a0:',
      ignore: 'Si vous n’êtes pas à l’origine de cette demande, vous pouvez ignorer cet e-mail.',
      sms: 'Votre code pour configurer la vérification en deux étapes est {{code}}. Ne le communiquez à personne.',
    },
  },
};
